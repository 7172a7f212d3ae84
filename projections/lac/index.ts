/** LAC read models, registered by the service (projections/lac: decision history, policies, authoring, the Studio's list, author activity). */
import { defineProjection, type ProjectionDefinition } from '../projection';
import type { AccessDecidedPayload } from '../../streams/lac/events/types';
import { AUTHORING_DDL, AUTHORING_INPUTS, AUTHORING_TABLES, applyAuthoringEvent } from './authoring';
import { HISTORY_DDL, HISTORY_TABLES, recordDecision, recordDecisions, type Decision } from './history';
import type { RecordedEvent } from '../../schemas/envelope';
import { POLICIES_DDL, POLICIES_TABLES, applyPolicyEvent } from './policies';
import { POLICY_LIST_DDL, POLICY_LIST_INPUTS, POLICY_LIST_TABLES, applyPolicyListEvent } from './policy-list';
import { AUTHOR_ACTIVITY_DDL, AUTHOR_ACTIVITY_INPUTS, AUTHOR_ACTIVITY_TABLES, applyAuthorActivity } from './author-activity';

const decisionOf = (e: RecordedEvent): Decision => {
  const p = e.payload as AccessDecidedPayload;
  return { tenant: e.tenant, policyId: p.policyId, position: e.position, atMs: Date.parse(e.occurredAt), allowed: p.decision === 'allow', request: p.request };
};

export const lacDecisionHistory = defineProjection({
  name: 'lac-decision-history',
  version: 1,
  inputs: ['AccessDecided'],
  tables: HISTORY_TABLES,
  setup: HISTORY_DDL,
  apply: (tx, e) => recordDecision(tx, decisionOf(e)),
  applyBatch: (tx, events) => recordDecisions(tx, events.map(decisionOf)),
});

export const lacPolicies = defineProjection({
  name: 'lac-policies',
  version: 1,
  inputs: ['PolicyDrafted', 'PolicyValidated', 'BlastRadiusComputed', 'PromotionBlocked', 'PolicyPromoted'],
  tables: POLICIES_TABLES,
  setup: POLICIES_DDL,
  apply: applyPolicyEvent,
});

export const lacAuthoring = defineProjection({
  name: 'lac-authoring',
  version: 1,
  inputs: AUTHORING_INPUTS,
  tables: AUTHORING_TABLES,
  setup: AUTHORING_DDL,
  apply: applyAuthoringEvent,
});

/** The Studio's policy list: versions with their state, active version, who changed what and when. */
export const lacPolicyList = defineProjection({
  name: 'lac-policy-list',
  version: 1,
  inputs: POLICY_LIST_INPUTS,
  tables: POLICY_LIST_TABLES,
  setup: POLICY_LIST_DDL,
  apply: applyPolicyListEvent,
});

/** Author analytics by week, author and bundle. */
export const lacAuthorActivity = defineProjection({
  name: 'lac-author-activity',
  version: 1,
  inputs: AUTHOR_ACTIVITY_INPUTS,
  tables: AUTHOR_ACTIVITY_TABLES,
  setup: AUTHOR_ACTIVITY_DDL,
  apply: applyAuthorActivity,
});

export const projections: ProjectionDefinition[] = [lacDecisionHistory, lacPolicies, lacAuthoring, lacPolicyList, lacAuthorActivity];
