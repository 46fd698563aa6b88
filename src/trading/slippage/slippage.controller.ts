import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/roles';
import { SlippageQueryDto, SlippageReportDto } from './slippage.dto';
import { SlippageService } from './slippage.service';

@ApiTags('portfolio')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid API key' })
@Controller('api/v1/slippage')
export class SlippageController {
  constructor(private readonly slippage: SlippageService) {}

  @Get()
  @ApiOperation({ summary: "Arrival-price slippage of the account's fills: overall, per symbol and per venue (bps, positive = cost)" })
  @ApiOkResponse({ type: SlippageReportDto })
  @ApiBadRequestResponse({ description: 'from/to is not ISO 8601' })
  @ApiForbiddenResponse({ description: 'accountId named by a non-admin key' })
  report(@CurrentPrincipal() principal: Principal, @Query() q: SlippageQueryDto): Promise<SlippageReportDto> {
    return this.slippage.report(principal, q);
  }
}
