/**
 * What an HTTP route module gets to work with: the application's context (application/context.ts).
 * Routes validate input, turn it into events, append them through `ingest`, and answer from read
 * models. They never write read models.
 */
import type { Router } from 'express';
import type { ServiceContext } from '../../application/context';

export type { Principal, Role, ServiceContext } from '../../application/context';

export type RouteModule = (ctx: ServiceContext) => Router;
