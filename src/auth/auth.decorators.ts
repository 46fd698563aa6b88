import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal, Role } from './roles';

export const IS_PUBLIC = 'quantdesk:public';
export const REQUIRED_ROLE = 'quantdesk:role';

/** The route needs no API key (health, docs, metrics with its own token). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * The least role the route needs. Routes without it need `viewer` (any valid key); a class-level
 * role applies to every route of the controller unless a method sets its own.
 */
export const RequireRole = (role: Role): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLE, role);

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** The caller of this request (routes behind the guard always have one). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});
