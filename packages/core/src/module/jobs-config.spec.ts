import { describe, expect, it } from '@jest/globals';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import { JobsConfigurationError } from '../errors/jobs-configuration.error.js';
import { JobsConfig } from './jobs-config.js';

describe('JobsConfig fetchBatchSize', () => {
  it('refuses a batch larger than one driver call may lease, naming the option and the value', () => {
    const build = (): JobsConfig => new JobsConfig({ driver: new MemoryDriver(), fetchBatchSize: 8_100 }, {});
    expect(build).toThrow(JobsConfigurationError);
    expect(build).toThrow('JobsModule.forRoot: fetchBatchSize must be an integer from 1 to 1000 (got 8100).');
  });

  it('takes 1 and 1000', () => {
    expect(new JobsConfig({ driver: new MemoryDriver(), fetchBatchSize: 1 }, {}).fetchBatchSize).toBe(1);
    expect(new JobsConfig({ driver: new MemoryDriver(), fetchBatchSize: 1_000 }, {}).fetchBatchSize).toBe(1_000);
  });
});
