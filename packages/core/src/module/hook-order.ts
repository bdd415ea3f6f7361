import type { Type } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';

/** Below the root module's distance (1) and that of a module no import reaches (0). */
const AFTER_EVERY_MODULE = -1;

/**
 * Nest calls each lifecycle hook module by module, in order of import
 * distance: global modules (JobsModule among them) first, the root module
 * last. No public API runs code once every `onApplicationBootstrap` has
 * finished, so this gives `moduleClass` a distance below the root's: its
 * hooks run after every other module's on bootstrap, and before theirs on
 * shutdown. Call it while providers are created (before `init()` sorts the
 * modules). The one place that reaches into Nest's module graph.
 */
export function runHooksAfterEveryModule(modules: ModulesContainer, moduleClass: Type): void {
  const found = [...modules.values()].filter((moduleRef) => moduleRef.metatype === moduleClass);
  if (found.length === 0 || found.some((moduleRef) => typeof moduleRef.distance !== 'number')) {
    throw new Error(`${moduleClass.name}: this version of @nestjs/core has no module distance to order lifecycle hooks by; workers cannot be started after bootstrap.`);
  }
  for (const moduleRef of found) moduleRef.distance = AFTER_EVERY_MODULE;
}
