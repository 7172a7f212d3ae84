/** Every projection the service runs, in one list (the auditor's `trust replay` rebuilds exactly these). */
import type { ProjectionDefinition } from './projection';
import { apiKeys } from './tenancy/api-keys';
import { eventStats } from './backbone/event-stats';

export const allProjections: ProjectionDefinition[] = [apiKeys, eventStats];
