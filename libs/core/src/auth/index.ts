export * from './auth.service.js';
export * from './login-failure.entity.js';
export * from './refresh-token.entity.js';
