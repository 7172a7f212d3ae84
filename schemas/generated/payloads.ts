// Generated from schemas/events/**/*.avsc by schemas/generate-types.ts. Do not edit: change the schema and run `make schema-types`.
/* eslint-disable */

/** A note on a stream, e.g. a deploy marker shown on timelines. */
export interface AnnotationAdded {
  /** what the note is about, e.g. a release or a fixture id */
  subject: string;
  text: string;
  author: string;
  tags: Array<string>;
}

/** A processor could not handle an event; it moved on. The input is referenced, not copied. */
export interface DeadLettered {
  processor: string;
  eventId: string;
  eventType: string;
  eventStream: string;
  eventPosition: number;
  error: string;
  errorCode: null | string;
  attempts: number;
}

/** An API key was issued. Only the sha256 of the secret is kept. */
export interface TenantKeyIssued {
  tenant: string;
  keyId: string;
  role: Role;
  /** hex sha256 of the key's secret part */
  keyHash: string;
  label: null | string;
}

export type Role = "producer" | "auditor" | "admin";

export interface TenantKeyRevoked {
  tenant: string;
  keyId: string;
  reason: null | string;
}

/** Payload type of every event type, by name. */
export interface EventPayloads {
  AnnotationAdded: AnnotationAdded;
  DeadLettered: DeadLettered;
  TenantKeyIssued: TenantKeyIssued;
  TenantKeyRevoked: TenantKeyRevoked;
}

export type EventType = keyof EventPayloads;
