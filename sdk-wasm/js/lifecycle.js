// @ts-check
// The lifecycle of the wasm-bindgen classes, applied once per entry to the classes it exports:
//  - constructing one before `init()` resolved throws `NOT_INITIALIZED` (the glue would fail
//    inside with "Cannot read properties of undefined");
//  - after `free()`, every method and getter throws `PLAYER_FREED` (or `CLIENT_FREED`) instead of
//    wasm-bindgen's "null pointer passed to rust"; `free()` again does nothing;
//  - `free()` first runs what was registered with `whenFreed` (the `Hls` of `attach`), so the
//    `Hls` and the player can be destroyed in either order;
//  - `on(event, listener)` returns the function that removes the listener.
import { AnsdevError } from './errors.js';

/** @type {WeakMap<object, Array<() => void>>} */
const cleanups = new WeakMap();

/**
 * Runs `cleanup` when `owner` is freed (before its wasm memory goes).
 * @param {object} owner
 * @param {() => void} cleanup
 */
export function whenFreed(owner, cleanup) {
  const list = cleanups.get(owner);
  if (list) list.push(cleanup);
  else cleanups.set(owner, [cleanup]);
}

/**
 * Whether a wasm-bindgen object was freed: its glue zeroes `__wbg_ptr` in `free()`.
 * @param {object} object
 */
function isFreed(object) {
  return Reflect.get(object, '__wbg_ptr') === 0;
}

/**
 * `Class` with the lifecycle above. Guards its prototype (shared with objects the wasm makes,
 * e.g. a client's players) and returns a constructor that refuses to run before `isReady()`.
 * @template {new (...args: any[]) => object} C
 * @param {C} Class a wasm-bindgen class
 * @param {() => boolean} isReady whether the entry's wasm is loaded
 * @param {'PLAYER_FREED' | 'CLIENT_FREED'} freedCode
 * @returns {C}
 */
export function withLifecycle(Class, isReady, freedCode) {
  const proto = Class.prototype;
  const name = Class.name;
  for (const key of Object.getOwnPropertyNames(proto)) {
    if (key === 'constructor' || key === 'free' || key.startsWith('__')) continue;
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    if (!descriptor) continue;
    /** @param {object} self */
    const check = (self) => {
      if (isFreed(self)) {
        throw new AnsdevError(freedCode, `${name}.${key}: the ${name} was freed (free() was called)`);
      }
    };
    if (typeof descriptor.get === 'function') {
      const get = descriptor.get;
      descriptor.get = function guardedGetter() {
        check(this);
        return get.call(this);
      };
    } else if (typeof descriptor.value === 'function') {
      const method = descriptor.value;
      descriptor.value =
        key === 'on'
          ? /** @this {any} @param {string} event @param {Function} listener */
            function on(event, listener) {
              check(this);
              method.call(this, event, listener);
              return () => {
                if (!isFreed(this)) this.off(event, listener);
              };
            }
          : /** @this {object} @param {...unknown} args */
            function guarded(...args) {
              check(this);
              return method.apply(this, args);
            };
    }
    Object.defineProperty(proto, key, descriptor);
  }
  const free = proto.free;
  /** @this {object} */
  function guardedFree() {
    if (isFreed(this)) return;
    const pending = cleanups.get(this) ?? [];
    cleanups.delete(this);
    for (const cleanup of pending) {
      try {
        cleanup();
      } catch {
        // A cleanup's failure must not keep the wasm memory alive.
      }
    }
    free.call(this);
  }
  Object.defineProperty(proto, 'free', { value: guardedFree, writable: true, configurable: true });
  const dispose = /** @type {SymbolConstructor & { dispose?: symbol }} */ (Symbol).dispose;
  if (dispose) {
    Object.defineProperty(proto, dispose, { value: guardedFree, writable: true, configurable: true });
  }
  return new Proxy(Class, {
    construct(target, args, newTarget) {
      if (!isReady()) {
        throw new AnsdevError(
          'NOT_INITIALIZED',
          `new ${name}(): the wasm is not loaded yet; call and await init() from this entry first`,
        );
      }
      return Reflect.construct(target, args, newTarget);
    },
  });
}

/**
 * An entry's `init`: loads the wasm once, every later call returning the same promise (a failed
 * load may be tried again), and `loaded()`, which the entry's classes check before constructing.
 * @template O, I
 * @param {(options?: I) => Promise<O>} initWasm the glue's default export
 * @returns {{ init: (options?: I) => Promise<O>, loaded: () => boolean }}
 */
export function loadOnce(initWasm) {
  /** @type {Promise<O> | undefined} */
  let ready;
  let done = false;
  return {
    init(options) {
      if (!ready) {
        ready = initWasm(options).then(
          (output) => {
            done = true;
            return output;
          },
          (error) => {
            ready = undefined;
            throw error;
          },
        );
      }
      return ready;
    },
    loaded: () => done,
  };
}
