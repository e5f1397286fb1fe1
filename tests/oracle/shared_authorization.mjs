// Differential oracle for @clerk/shared (the copy @clerk/backend 3.25.0 depends on):
//   {"has": [{"claims", "params"}], "patterns": [{"patterns", "path"}]}
// -> {"has": [{"props": {...} | {"error"}, "result": bool | {"error"}}], "patterns": [{"params"} | {"nomatch"} | {"error"}]}
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { createCheckAuthorization } = require('@clerk/shared/authorization');
const { __experimental_JWTPayloadToAuthObjectProperties: toProps } = require('@clerk/shared/jwtPayloadParser');
const { match } = require('@clerk/shared/pathToRegexp');

const input = JSON.parse(await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (c) => (data += c));
  process.stdin.on('end', () => resolve(data));
}));

const has = input.has.map(({ claims, params }) => {
  let props;
  try {
    props = toProps(claims);
  } catch (e) {
    return { props: { error: e.message }, result: { error: e.message } };
  }
  const check = createCheckAuthorization({
    userId: props.userId, orgId: props.orgId, orgRole: props.orgRole, orgPermissions: props.orgPermissions,
    factorVerificationAge: props.factorVerificationAge, features: claims.fea || '', plans: claims.pla || '',
  });
  let result;
  try { result = check(params); } catch (e) { result = { error: e.message }; }
  return {
    props: { orgId: props.orgId ?? null, orgRole: props.orgRole ?? null, orgSlug: props.orgSlug ?? null,
             orgPermissions: props.orgPermissions ?? null },
    result,
  };
});

const patterns = input.patterns.map(({ patterns: p, path }) => {
  try {
    const r = match(p)(path);
    return r ? { params: r.params } : { nomatch: true };
  } catch (e) {
    return { error: e.message };
  }
});
process.stdout.write(JSON.stringify({ has, patterns }));
