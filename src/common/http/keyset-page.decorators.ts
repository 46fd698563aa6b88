import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/**
 * The two query fields of every keyset-paginated list (`limit`, `cursor`), declared once so each
 * list DTO states only its page bounds. Keyset rather than offset pages: a page stays stable while
 * new rows arrive (orders, alerts, news), and the cursor is opaque (base64url of the last key).
 */

/** `limit`: an integer page size in [1, max] (query strings arrive as text, hence the Number transform). */
export function PageLimit(max: number, defaultSize: number): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: max, default: defaultSize }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(max),
  );
}

/** `cursor`: the `nextCursor` the previous page returned, checked for its alphabet and length only (decoded by the repository). */
export function PageCursor(maxLength = 128): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description: 'nextCursor of the previous page' }),
    IsOptional(),
    IsString(),
    Matches(new RegExp(`^[A-Za-z0-9_-]{1,${maxLength}}$`), { message: 'cursor must be a cursor this API returned' }),
  );
}
