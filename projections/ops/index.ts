/** The operations domain: the SLO read model (see slo-spec.ts for the objectives' one source, infra/slo.yaml). */
import type { ProjectionDefinition } from '../projection';
import { sloProjection } from './slo-projection';

export const projections: ProjectionDefinition[] = [sloProjection];
export { startSloSampler } from './slo-sampler';
