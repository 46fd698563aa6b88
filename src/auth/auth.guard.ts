import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC, REQUIRED_ROLE, type AuthenticatedRequest } from './auth.decorators';
import { AuthService } from './auth.service';
import type { Role } from './roles';

/** What a route asks of its caller, as the decorators declare it. */
export interface RouteAccess {
  readonly public: boolean;
  /** The least role; `viewer` (any valid key) when no RequireRole applies. */
  readonly role: Role;
}

/**
 * Reads @Public() and @RequireRole() of a handler and its controller, the method's own
 * decorator winning over the class's. Exported so that the route audit test reads the same
 * rules the guard applies.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Nest's Reflector takes handler functions and classes as Function.
export function routeAccess(reflector: Reflector, handler: Function, controller: Function): RouteAccess {
  const targets = [handler, controller];
  return {
    public: reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) === true,
    role: reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets) ?? 'viewer',
  };
}

/**
 * The global guard (APP_GUARD): every route needs a valid API key unless marked @Public(),
 * and at least the role its RequireRole names. 401 without or with a bad key, 403 with too low
 * a role. The caller's Principal is attached to the request for @CurrentPrincipal().
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Queue processors and other non-HTTP contexts are not callers with keys.
    if (context.getType() !== 'http') return true;
    const access = routeAccess(this.reflector, context.getHandler(), context.getClass());
    if (access.public) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // Already authenticated by AuthModule's onRequest hook for /api/v1/ routes.
    const principal = request.principal ?? (await this.auth.authenticate(request.headers.authorization));
    request.principal = principal;
    this.auth.authorize(principal, access.role);
    return true;
  }
}
