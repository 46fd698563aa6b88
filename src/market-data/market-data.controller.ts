import { Body, Controller, Get, HttpCode, Post, Query, Req, UnsupportedMediaTypeException } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireRole } from '../auth/auth.decorators';
import { ValidationFailedError } from '../common/errors/domain-error';
import { createValidationPipe } from '../common/http/validation.pipe';
import { parseColumnMapping } from './bars-csv.parser';
import { BarsImportService, type ImportSummary } from './bars-import.service';
import { BarsQueryService, type BarsPage } from './bars-query.service';
import { BarsPageDto, BarsQueryDto, ImportBarsDto, ImportBarsQueryDto, ImportSummaryDto } from './market-data.dto';

const CSV_EXAMPLE = 'date,open,high,low,close,volume\n2024-01-02,187.15,188.44,183.89,185.64,82488700\n';

/** Market data in and out: thin, the services do the work. */
@ApiTags('market-data')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1/market-data')
export class MarketDataController {
  private readonly validation = createValidationPipe();

  constructor(
    private readonly imports: BarsImportService,
    private readonly query: BarsQueryService,
  ) {}

  @Post('bars')
  @HttpCode(201)
  @RequireRole('trader')
  @ApiExtraModels(ImportBarsDto)
  @ApiOperation({
    summary: 'Import bars (JSON rows or a CSV file)',
    description:
      'Either `application/json` `{symbol, timeframe, rows}`, or a `text/csv` body (header row; columns found by name: ' +
      'date/time/timestamp/ts, open, high, low, close, volume; close-only files are fine) with `?symbol=&timeframe=` ' +
      '(and optionally `columns=date=Date,close=Adj Close`). Rows are validated first; a bad file is refused whole ' +
      '(400 with details.issues: row, field, reason) and nothing is written. Re-importing the same bars changes nothing. ' +
      'After 1-minute bars the 1h/1d aggregates are refreshed.',
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(ImportBarsDto) } },
        'text/csv': { schema: { type: 'string', example: CSV_EXAMPLE } },
      },
    },
  })
  @ApiCreatedResponse({ type: ImportSummaryDto, description: 'What the import inserted, updated and left unchanged' })
  @ApiBadRequestResponse({ description: 'Bad rows or parameters; details.issues lists them (nothing was written)' })
  @ApiForbiddenResponse({ description: 'The key is not a trader or admin key' })
  async importBars(@Req() req: FastifyRequest, @Query() query: ImportBarsQueryDto, @Body() body: unknown): Promise<ImportSummary> {
    if (typeof body === 'string' && /^text\/csv\b/i.test(req.headers['content-type'] ?? '')) {
      const missing = (['symbol', 'timeframe'] as const).filter((f) => query[f] === undefined);
      if (missing.length) {
        throw new ValidationFailedError(
          `A text/csv import needs ${missing.join(' and ')} in the query`,
          missing.map((field) => ({ field, reason: 'is required with a text/csv body' })),
        );
      }
      let columns: Record<string, string> | undefined;
      try {
        columns = query.columns === undefined ? undefined : parseColumnMapping(query.columns);
      } catch (err) {
        throw new ValidationFailedError((err as Error).message, [{ field: 'columns', reason: (err as Error).message }]);
      }
      return this.imports.importCsv(body, { symbol: query.symbol!, timeframe: query.timeframe!, columns, source: 'CSV body' });
    }
    if (typeof body !== 'object' || body === null) {
      throw new UnsupportedMediaTypeException('Send application/json {symbol, timeframe, rows} or a text/csv body');
    }
    const given = (['symbol', 'timeframe', 'columns'] as const).filter((f) => query[f] !== undefined);
    if (given.length) {
      throw new ValidationFailedError(
        'Query parameters are for text/csv bodies; a JSON body carries symbol and timeframe itself',
        given.map((field) => ({ field, reason: 'is not allowed with a JSON body' })),
      );
    }
    // Validated here rather than by the global pipe, which cannot tell the two bodies apart.
    const dto = (await this.validation.transform(body, { type: 'body', metatype: ImportBarsDto })) as ImportBarsDto;
    return this.imports.importRows(dto.rows, { symbol: dto.symbol, timeframe: dto.timeframe, source: 'rows' });
  }

  @Get('bars')
  @ApiOperation({
    summary: 'Bars of one series in time order, a page at a time',
    description:
      'Keyset pagination: pass `nextCursor` as `cursor` for the next page (null on the last). For 1h and 1d, a series ' +
      'without bars of its own at that timeframe is read from the aggregates of its 1-minute bars; `source` says which.',
  })
  @ApiOkResponse({ type: BarsPageDto })
  @ApiBadRequestResponse({ description: 'A query parameter is invalid; details.issues names it' })
  list(@Query() q: BarsQueryDto): Promise<BarsPage> {
    return this.query.page(q);
  }
}
