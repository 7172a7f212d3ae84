/** The PCQ processors, for connectors/registry.ts. */
import type { AnyProcessorDefinition } from '../runtime/processor';
import { reproducibility } from './reproducibility';
import { triageProcessor } from './triage-processor';

export const processors: AnyProcessorDefinition[] = [reproducibility, triageProcessor];
export { reproducibility, triageProcessor };
