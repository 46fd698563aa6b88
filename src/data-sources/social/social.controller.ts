import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { RequireRole } from '../../auth/auth.decorators';
import { SocialSeriesDto, SocialSeriesQueryDto, SocialSymbolParamDto } from './social.dto';
import { SocialQueryService } from './social-query.service';

/** The social series of a symbol (thin: the query service reads it). */
@ApiTags('social')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1/social')
export class SocialController {
  constructor(private readonly query: SocialQueryService) {}

  @Get(':symbol')
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'Social mention series of a symbol with spike flags',
    description:
      'Per UTC bucket of the interval (5m, 1h, 1d): mentions, bullish and bearish counts, their ratio, the sentiment index ' +
      '(bull - bear) / (bull + bear + k), the mean score, and z-scores of the volume and the index against the previous N buckets ' +
      '(SOCIAL_SPIKE_BASELINE) with spike flags (SOCIAL_SPIKE_Z). Buckets whose close lies in (from, to]; each counts only ' +
      'mentions published before its close.',
  })
  @ApiOkResponse({ type: SocialSeriesDto })
  @ApiBadRequestResponse({ description: 'A parameter is invalid; details.issues names it' })
  series(@Param() p: SocialSymbolParamDto, @Query() q: SocialSeriesQueryDto): Promise<SocialSeriesDto> {
    return this.query.series(p.symbol, q);
  }
}
