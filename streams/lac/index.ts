/**
 * LAC domain registration. LAC has no background processor: every LAC event is the outcome of a
 * command (draft, decide, preview, promote) decided by the pure lifecycle functions and appended
 * by the routes with optimistic concurrency on the policy stream (streams/lac/lifecycle). Its read
 * models are projections/lac; its routes connectors/http/routes/lac.ts; its pages
 * connectors/http/pages/lac-pages.ts.
 */
import type { ProcessorDefinition } from '../runtime/processor';

export const processors: ProcessorDefinition[] = [];

export { compilePolicy, interpretPolicy, decideRaw } from './engine/engine';
export { validatePolicy } from './model/validate';
export { loadPolicyText, parsePolicyText } from './model/parse';
export { BUNDLES } from './bundles/catalog';
export { coverage } from './usecases/coverage';
export { semanticDiff } from './diff/semantic-diff';
