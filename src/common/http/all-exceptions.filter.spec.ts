import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors/domain-error';
import { toErrorBody } from './all-exceptions.filter';

describe('toErrorBody', () => {
  it('maps domain errors with their code and details', () => {
    expect(toErrorBody(new NotFoundError('order', 'o-1'))).toEqual({
      statusCode: 404,
      error: 'NOT_FOUND',
      message: 'order o-1 not found',
      details: { what: 'order', id: 'o-1' },
    });
    expect(toErrorBody(new ConflictError('used', { clientOrderId: 'c1' }))).toMatchObject({ statusCode: 409, error: 'CONFLICT' });
    expect(toErrorBody(new UnprocessableError('RISK_MODE', 'halted', { reason: 'RISK_MODE' }))).toMatchObject({
      statusCode: 422,
      error: 'RISK_MODE',
      details: { reason: 'RISK_MODE' },
    });
  });

  it('maps Nest HTTP exceptions', () => {
    expect(toErrorBody(new NotFoundException('Cannot GET /x'))).toEqual({ statusCode: 404, error: 'NOT_FOUND', message: 'Cannot GET /x', details: {} });
    expect(toErrorBody(new BadRequestException())).toMatchObject({ statusCode: 400, error: 'BAD_REQUEST' });
  });

  it('maps Fastify client errors (bad JSON, body too large) keeping their code', () => {
    const e = Object.assign(new Error('Body is not valid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    expect(toErrorBody(e)).toEqual({ statusCode: 400, error: 'BAD_REQUEST', message: 'Body is not valid JSON', details: { code: 'FST_ERR_CTP_INVALID_JSON_BODY' } });
    const big = Object.assign(new Error('Request body is too large'), { statusCode: 413 });
    expect(toErrorBody(big)).toMatchObject({ statusCode: 413, error: 'PAYLOAD_TOO_LARGE' });
  });

  it('never leaks internals of unexpected errors', () => {
    expect(toErrorBody(new Error('password=hunter2 in query'))).toEqual({
      statusCode: 500,
      error: 'INTERNAL_ERROR',
      message: 'Internal server error',
      details: {},
    });
    expect(toErrorBody('string thrown')).toMatchObject({ statusCode: 500 });
  });
});
