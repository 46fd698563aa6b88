import { Controller, Get, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, UnauthorizedError } from '../common/errors/domain-error';
import { Public, RequireRole, type AuthenticatedRequest } from './auth.decorators';
import { ApiKeyGuard, routeAccess } from './auth.guard';
import { AuthService } from './auth.service';
import type { Role } from './roles';

@RequireRole('trader')
@Controller('x')
class TraderController {
  @Get('a')
  inherits(): void {}

  @RequireRole('admin')
  @Get('b')
  raises(): void {}

  @RequireRole('viewer')
  @Get('c')
  lowers(): void {}

  @Public()
  @Get('d')
  open(): void {}
}

@Controller('y')
class PlainController {
  @Get()
  plain(): void {}
}

@Public()
@Controller('z')
class PublicController {
  @Get()
  open(): void {}
}

describe('routeAccess', () => {
  const reflector = new Reflector();
  const t = TraderController.prototype;

  it('takes the class role, the method role winning over it', () => {
    expect(routeAccess(reflector, t.inherits, TraderController)).toEqual({ public: false, role: 'trader' });
    expect(routeAccess(reflector, t.raises, TraderController)).toEqual({ public: false, role: 'admin' });
    expect(routeAccess(reflector, t.lowers, TraderController)).toEqual({ public: false, role: 'viewer' });
  });

  it('defaults to viewer, and reads @Public on a method or a class', () => {
    expect(routeAccess(reflector, PlainController.prototype.plain, PlainController)).toEqual({ public: false, role: 'viewer' });
    expect(routeAccess(reflector, t.open, TraderController).public).toBe(true);
    expect(routeAccess(reflector, PublicController.prototype.open, PublicController).public).toBe(true);
  });
});

describe('ApiKeyGuard', () => {
  const roles: Record<string, Role> = { v: 'viewer', t: 'trader', a: 'admin' };
  const auth = Object.create(AuthService.prototype) as AuthService;
  auth.authenticate = async (header) => {
    const role = header ? roles[header.replace(/^Bearer /, '')] : undefined;
    if (!role) throw new UnauthorizedError('Invalid API key');
    return { keyId: role, keyName: role, accountId: 'acc', role };
  };
  const guard = new ApiKeyGuard(new Reflector(), auth);

  function context(handler: () => void, authorization?: string): { ctx: ExecutionContext; request: AuthenticatedRequest } {
    const request = { headers: { authorization } } as unknown as AuthenticatedRequest;
    const ctx = {
      getType: () => 'http',
      getHandler: () => handler,
      getClass: () => TraderController,
      switchToHttp: () => ({ getRequest: () => request }),
    } as unknown as ExecutionContext;
    return { ctx, request };
  }

  it('lets public routes through without a key', async () => {
    await expect(guard.canActivate(context(TraderController.prototype.open).ctx)).resolves.toBe(true);
  });

  it('401 without a key, 403 below the role, and attaches the principal when allowed', async () => {
    await expect(guard.canActivate(context(TraderController.prototype.inherits).ctx)).rejects.toThrow(UnauthorizedError);
    await expect(guard.canActivate(context(TraderController.prototype.inherits, 'Bearer v').ctx)).rejects.toThrow(ForbiddenError);
    await expect(guard.canActivate(context(TraderController.prototype.raises, 'Bearer t').ctx)).rejects.toThrow(ForbiddenError);
    const { ctx, request } = context(TraderController.prototype.inherits, 'Bearer t');
    await expect(guard.canActivate(ctx)).resolves.toBe(true);
    expect(request.principal).toMatchObject({ role: 'trader' });
  });
});
