import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { ValidationFailedError } from '../errors/domain-error';
import { createValidationPipe } from './validation.pipe';

class Leg {
  @IsString() symbol!: string;
  @IsInt() @Min(1) quantity!: number;
}
class Order {
  @IsString() name!: string;
  @ValidateNested({ each: true }) @Type(() => Leg) legs!: Leg[];
}

async function validate(body: unknown): Promise<unknown> {
  return createValidationPipe().transform(body, { type: 'body', metatype: Order });
}

describe('validation pipe', () => {
  it('passes a valid body through as the DTO class', async () => {
    const out = await validate({ name: 'a', legs: [{ symbol: 'X', quantity: 2 }] });
    expect(out).toBeInstanceOf(Order);
  });

  it('rejects unknown fields naming them', async () => {
    const err = (await validate({ name: 'a', legs: [], extra: 1 }).catch((e: unknown) => e)) as ValidationFailedError;
    expect(err).toBeInstanceOf(ValidationFailedError);
    expect(err.statusCode).toBe(400);
    expect(err.issues).toEqual([{ field: 'extra', reason: 'property extra should not exist' }]);
  });

  it('reports wrong types with nested field paths', async () => {
    const err = (await validate({ name: 5, legs: [{ symbol: 'X', quantity: 0 }] }).catch((e: unknown) => e)) as ValidationFailedError;
    expect(err.issues.map((i) => i.field).sort()).toEqual(['legs.0.quantity', 'name']);
    expect(err.message).toMatch(/^Invalid request: /);
    expect(err.details).toEqual({ issues: err.issues });
  });
});
