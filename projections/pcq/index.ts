/** PCQ read models, registered by the service. */
import { defineProjection, type ProjectionDefinition } from '../projection';
import { ANOMALIES_DDL, ANOMALIES_INPUTS, ANOMALIES_TABLES, FIXTURES_DDL, FIXTURES_INPUTS, FIXTURES_TABLES, applyAnomalyEvent, applyFixtureEvent } from './read-model';

export const pcqFixtures = defineProjection({
  name: 'pcq-fixtures',
  version: 1,
  inputs: FIXTURES_INPUTS,
  tables: FIXTURES_TABLES,
  setup: FIXTURES_DDL,
  apply: applyFixtureEvent,
});

export const pcqAnomalies = defineProjection({
  name: 'pcq-anomalies',
  version: 1,
  inputs: ANOMALIES_INPUTS,
  tables: ANOMALIES_TABLES,
  setup: ANOMALIES_DDL,
  apply: applyAnomalyEvent,
});

export const projections: ProjectionDefinition[] = [pcqFixtures, pcqAnomalies];
