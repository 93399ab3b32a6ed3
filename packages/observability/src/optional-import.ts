import { OpenWorkflowError } from '@openworkflow/core';

/**
 * Imports an optional peer dependency on first use. When the package itself is not installed the
 * error is `UNAVAILABLE` with an install suggestion naming `feature`; any other failure (a broken
 * file inside an installed package) is rethrown as is.
 */
export async function importOptional<T>(
  specifier: string,
  feature: string,
  load: () => Promise<T> = () => import(specifier) as Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const missing = error instanceof Error && error.message.includes(`'${specifier}'`);
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && missing) {
      throw new OpenWorkflowError('UNAVAILABLE', `${feature} needs '${specifier}', which is not installed`, {
        details: { module: specifier, suggestion: `Install: npm install ${specifier}` },
        cause: error,
      });
    }
    throw error;
  }
}
