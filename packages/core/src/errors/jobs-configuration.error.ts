/** Bad decorator options or module options, raised at bootstrap. */
export class JobsConfigurationError extends Error {
  override readonly name = 'JobsConfigurationError';
}
