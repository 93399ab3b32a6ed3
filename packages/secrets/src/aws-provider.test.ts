import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Loopback, sendJson, startLoopback } from '../test/loopback.js';
import { AwsSecretsManagerProvider } from './aws-provider.js';

const JSON_11 = 'application/x-amz-json-1.1';
const SECRETS: Record<string, { SecretString?: string; SecretBinary?: string }> = {
  'prod/github': { SecretString: 'ghp_from_aws' },
  'prod/bundle': { SecretString: JSON.stringify({ DB_PASSWORD: 'db-from-bundle', PORT: 5432 }) },
  'prod/cert': { SecretBinary: Buffer.from('binary-secret-bytes').toString('base64') },
  'prod/text': { SecretString: 'not json' },
};

let aws: Loopback;

beforeAll(async () => {
  // The Secrets Manager JSON 1.1 protocol: POST / with X-Amz-Target naming the operation.
  aws = await startLoopback((request, response) => {
    if (request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
      return sendJson(response, 400, { __type: 'UnknownOperationException', message: 'unknown' }, JSON_11);
    }
    const { SecretId } = JSON.parse(request.body) as { SecretId: string };
    if (SecretId === 'prod/forbidden') {
      return sendJson(response, 400, { __type: 'AccessDeniedException', message: 'not allowed' }, JSON_11);
    }
    const secret = SECRETS[SecretId];
    if (secret === undefined) {
      return sendJson(
        response,
        400,
        { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." },
        JSON_11,
      );
    }
    sendJson(
      response,
      200,
      {
        ARN: `arn:aws:secretsmanager:us-east-1:1:secret:${SecretId}`,
        Name: SecretId,
        VersionId: 'v1',
        ...secret,
      },
      JSON_11,
    );
  });
});
afterAll(() => aws.close());

const options = () => ({
  region: 'us-east-1',
  endpoint: aws.url,
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret-access-key' },
  clientConfig: { maxAttempts: 1 },
});

describe('AwsSecretsManagerProvider with the real AWS SDK client on a loopback endpoint', () => {
  it('reads SecretString and SecretBinary, signing the request with SigV4', async () => {
    const provider = new AwsSecretsManagerProvider(options());
    expect(await provider.get('prod/github')).toBe('ghp_from_aws');
    expect(await provider.get('prod/cert')).toBe('binary-secret-bytes');
    const request = aws.requests.at(-1)!;
    expect(String(request.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/us-east-1\/secretsmanager\//,
    );
    expect(JSON.parse(request.body)).toEqual({ SecretId: 'prod/cert' });
  });

  it('maps not-found to undefined and access denial to PERMISSION_DENIED', async () => {
    const provider = new AwsSecretsManagerProvider(options());
    expect(await provider.get('prod/none')).toBeUndefined();
    await expect(provider.get('prod/forbidden')).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      details: { error_type: 'AccessDeniedException' },
    });
  });

  it('reads names as fields of one JSON secret, once', async () => {
    const provider = new AwsSecretsManagerProvider({ ...options(), secretId: 'prod/bundle' });
    const before = aws.requests.length;
    expect(await provider.get('DB_PASSWORD')).toBe('db-from-bundle');
    expect(await provider.get('ABSENT')).toBeUndefined();
    await expect(provider.get('PORT')).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(aws.requests.length - before).toBe(1);
    const broken = new AwsSecretsManagerProvider({ ...options(), secretId: 'prod/text' });
    const failure = await broken.get('X').catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'VALIDATION' });
    expect(JSON.stringify(failure)).not.toContain('not json');
  });
});

describe('AwsSecretsManagerProvider without the SDK installed', () => {
  it('fails UNAVAILABLE with an install suggestion when the module cannot be imported', async () => {
    // A real dynamic import of a package that is not installed: the same failure as a missing SDK.
    const provider = new AwsSecretsManagerProvider({
      region: 'us-east-1',
      moduleName: '@aws-sdk/not-installed-client',
    });
    await expect(provider.get('prod/github')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      details: { suggestion: 'Install: npm install @aws-sdk/client-secrets-manager' },
    });
  });
});
