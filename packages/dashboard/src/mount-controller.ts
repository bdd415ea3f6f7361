import { Controller, UseGuards, type CanActivate, type Type } from '@nestjs/common';

/**
 * A subclass of `base` routed at `path` behind `guards`: each forRoot gets its
 * own controller classes, so two dashboards in one app (or two apps in one
 * process) never share routing metadata.
 */
export function mountController<T extends Type>(base: T, path: string, guards: Array<CanActivate | Type<CanActivate>>): T {
  const mounted = class extends base {};
  Object.defineProperty(mounted, 'name', { value: base.name });
  Controller(path)(mounted);
  if (guards.length) UseGuards(...guards)(mounted);
  return mounted;
}
