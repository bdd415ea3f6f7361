import type { DiscoveryService, ModuleRef } from '@nestjs/core';
import { ContextIdFactory } from '@nestjs/core';

/** Nest's provider wrapper, named through the public DiscoveryService API (no deep import). */
export type ProviderWrapper = ReturnType<DiscoveryService['getProviders']>[number];

type HostClass = abstract new (...args: never[]) => unknown;

/**
 * The class behind a provider: `useFactory` and `useValue` providers have no
 * metatype of their own, so their instance's constructor is the host.
 */
export function hostClassOf(wrapper: ProviderWrapper): HostClass | undefined {
  const { metatype, inject } = wrapper;
  const instance = wrapper.instance as object | undefined;
  const candidate: unknown = !metatype || inject ? instance?.constructor : metatype;
  return typeof candidate === 'function' ? (candidate as HostClass) : undefined;
}

/**
 * The app's provider classes that carry `metadataKey` (a list of declarations), each class once,
 * with the wrapper that resolves its instance.
 */
export function* providersDeclaring<D>(discovery: DiscoveryService, metadataKey: symbol): Generator<{ wrapper: ProviderWrapper; classRef: HostClass; declarations: D[] }> {
  const seen = new Set<unknown>();
  for (const wrapper of discovery.getProviders()) {
    const classRef = hostClassOf(wrapper);
    if (!classRef || seen.has(classRef)) continue;
    const declarations = Reflect.getMetadata(metadataKey, classRef) as D[] | undefined;
    if (!declarations?.length) continue;
    seen.add(classRef);
    yield { wrapper, classRef, declarations };
  }
}

/**
 * Returns the object a handler runs on. Static providers give their singleton;
 * request-scoped ones are resolved per job under a fresh context id, with the
 * job context registered as the "request" (inject REQUEST to read it).
 */
export function hostResolverOf(wrapper: ProviderWrapper, moduleRef: ModuleRef): (jobContext: object) => Promise<object> {
  if (wrapper.isDependencyTreeStatic()) {
    const instance = wrapper.instance as object;
    return () => Promise.resolve(instance);
  }
  return async (jobContext) => {
    const contextId = ContextIdFactory.create();
    moduleRef.registerRequestByContextId(jobContext, contextId);
    return moduleRef.resolve<unknown, object>(wrapper.token, contextId, { strict: false });
  };
}
