import { applyDecorators, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { RequireRole } from '../auth/auth.decorators';
import { RunAcceptedDto, RunDto, RunPageDto } from './research-runs.dto';

/**
 * The route shapes every research-run controller shares (backtests, optimizations,
 * walk-forwards, Monte Carlo): one place for the status codes, roles and OpenAPI responses, so
 * the four kinds cannot drift apart. Each controller keeps its own summaries and DTO types.
 */

/** A controller of runs under `path`, documented under `tag`, every route behind an API key. */
export function ResearchRunsController(tag: string, path: string): ClassDecorator {
  return applyDecorators(ApiTags(tag), ApiBearerAuth(), ApiUnauthorizedResponse({ description: 'No valid API key' }), Controller(path));
}

/**
 * POST: validates, records the run and enqueues it (202); trader role. `extra` adds the kind's
 * own error responses (e.g. Monte Carlo's 404/409 for a referenced backtest).
 */
export function SubmitRunRoute(summary: string, description: string, ...extra: MethodDecorator[]): MethodDecorator {
  return applyDecorators(
    Post(),
    HttpCode(202),
    RequireRole('trader'),
    ApiOperation({ summary, description }),
    ApiAcceptedResponse({ type: RunAcceptedDto, description: 'Recorded and queued' }),
    ApiBadRequestResponse({ description: 'Invalid request; details.issues lists field and reason' }),
    ApiForbiddenResponse({ description: 'The key is not a trader or admin key' }),
    ApiUnprocessableEntityResponse({ description: 'A symbol has no bars in the range (details.symbols)' }),
    ...extra,
  );
}

/** GET list: the caller's runs of one kind (admin: every account), a page at a time. */
export function ListRunsRoute(summary: string): MethodDecorator {
  return applyDecorators(Get(), ApiOperation({ summary }), ApiOkResponse({ type: RunPageDto }), ApiBadRequestResponse({ description: 'A query parameter is invalid' }));
}

/** GET one run by id; another account's run is a 404. */
export function GetRunRoute(summary: string, notFound = 'No such run in your account'): MethodDecorator {
  return applyDecorators(
    Get(':id'),
    ApiOperation({ summary }),
    ApiOkResponse({ type: RunDto }),
    ApiBadRequestResponse({ description: 'The id is not a UUID' }),
    ApiNotFoundResponse({ description: notFound }),
  );
}
