import { readFileSync } from 'node:fs';

/*
 * Deployment hardening (issue 13), read from docker/: a change that drops one of these controls
 * fails here rather than in a review. (That production refuses development secrets is tested in
 * libs/common/src/config/config.spec.ts.)
 */

const compose = readFileSync(new URL('../../docker/compose.yaml', import.meta.url), 'utf8');
const dockerfile = readFileSync(new URL('../../docker/Dockerfile', import.meta.url), 'utf8');

/** The text of one top-level service of compose.yaml, with the x-app anchor it merges. */
function service(name: string): string {
  const body = new RegExp(`^  ${name}:\\n((?:    .*\\n|\\n)*)`, 'm').exec(compose)?.[1] ?? '';
  const anchor = /<<: \*app\n/.test(body) ? (/^x-app: &app\n((?:  .*\n)*)/m.exec(compose)?.[1] ?? '') : '';
  return anchor + body;
}

describe('docker/compose.yaml', () => {
  it.each(['postgres', 'api', 'worker'])('%s: read-only root filesystem, no capabilities by default, no privilege escalation, a healthcheck', (name) => {
    const s = service(name);
    expect(s).toMatch(/read_only: true/);
    expect(s).toMatch(/cap_drop: \[ALL\]/);
    expect(s).toMatch(/no-new-privileges:true/);
    expect(s).toMatch(/healthcheck:\n\s+test:/);
    expect(s).not.toMatch(/disable: true/);
  });

  it('secrets come only from the environment, with no default: compose stops when one is missing', () => {
    for (const secret of ['JWT_SECRET', 'DATA_ENCRYPTION_KEY', 'LETTER_SIGNING_KEY', 'POSTGRES_PASSWORD']) {
      const uses = [...compose.matchAll(new RegExp(`\\$\\{${secret}([^}]*)\\}`, 'g'))].map((m) => m[1]);
      expect(uses.length).toBeGreaterThan(0);
      for (const use of uses) expect(use).toMatch(/^:\?/);
    }
    expect(compose).toMatch(/NODE_ENV: production/);
  });

  it('the database is not published outside the compose network', () => {
    expect(service('postgres')).not.toMatch(/ports:/);
  });
});

describe('docker/Dockerfile', () => {
  const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
  it('the runtime stage runs as the unprivileged node user, production mode, without dev dependencies', () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/NODE_ENV=production/);
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/^HEALTHCHECK /m);
  });

  it('bakes no secret into the image', () => {
    expect(dockerfile).not.toMatch(/(JWT_SECRET|DATA_ENCRYPTION_KEY|LETTER_SIGNING_KEY|PASSWORD)\s*=/);
    expect(dockerfile).not.toMatch(/^COPY .*\.(env|pem|key)\b/m);
  });
});
