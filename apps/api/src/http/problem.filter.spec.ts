import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { DomainError, ERROR_CODES } from '@passerelle/common';
import { toDomainError } from './problem.filter.js';
import { PROBLEMS, toProblem } from './problems.js';

describe('toProblem', () => {
  it('gives every code an RFC 9457 body with its status', () => {
    for (const code of ERROR_CODES) {
      const p = toProblem(new DomainError(code, 'detail'));
      expect(p).toMatchObject({ code, status: PROBLEMS[code].status, title: PROBLEMS[code].title, detail: 'detail' });
      expect(p.type).toBe(`https://passerelle.example/problems/${code.toLowerCase().replaceAll('_', '-')}`);
    }
  });

  it('adds field errors for validation', () => {
    const p = toProblem(new DomainError('VALIDATION_FAILED', 'bad', { errors: [{ field: 'a', message: 'm' }] }));
    expect(p.errors).toEqual([{ field: 'a', message: 'm' }]);
  });
});

describe('toDomainError', () => {
  it('maps Fastify parser errors, also when Nest wraps them', () => {
    expect(toDomainError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 })?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(toDomainError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })?.code).toBe('PAYLOAD_TOO_LARGE');
    const wrapped = new HttpException('bad json', 400, { cause: { code: 'FST_ERR_CTP_INVALID_JSON_BODY' } });
    expect(toDomainError(wrapped)?.code).toBe('MALFORMED_JSON');
  });

  it('maps lost connections to DATABASE_UNAVAILABLE', () => {
    expect(toDomainError({ code: 'ECONNREFUSED' })?.code).toBe('DATABASE_UNAVAILABLE');
    expect(toDomainError({ name: 'QueryFailedError', driverError: { code: '57P01' } })?.code).toBe('DATABASE_UNAVAILABLE');
    expect(toDomainError(new Error('timeout exceeded when trying to connect'))?.code).toBe('DATABASE_UNAVAILABLE');
  });

  it('maps Nest HTTP exceptions, and leaves bugs as null (a logged 500)', () => {
    expect(toDomainError(new NotFoundException())?.code).toBe('ROUTE_NOT_FOUND');
    expect(toDomainError(new BadRequestException())?.code).toBe('VALIDATION_FAILED');
    expect(toDomainError(new TypeError('x is undefined'))).toBeNull();
    expect(toDomainError({ name: 'QueryFailedError', driverError: { code: '42P01', message: 'relation does not exist' } })).toBeNull();
  });
});
