import { logger as devkitLogger } from '@nx/devkit';
import { logger } from './nx-logger';

it("is @nx/devkit's logger, so output and spies on it behave the same", () => {
  expect(logger).toBe(devkitLogger);
});
