/**
 * `kernelOps`: the MolOps implementation on our WGSL kernels. Each op is one `runKernel` call into the registry
 * (src/model/kernels/index.ts), so it needs the 'webgpu' backend to be active and registerMolKernels() called.
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2dOptions, DeconvOptions, MolOps } from '../ops';
import { MolConv2d } from './conv2d';
import { MolDeconv } from './deconv';

/** FlowNet's LeakyReLU slope, the default when an op asks for leakyRelu without alpha. */
const DEFAULT_ALPHA = 0.1;

function explicitPad(pad: Conv2dOptions['pad']): [number, number, number, number] {
  return typeof pad === 'number' ? [pad, pad, pad, pad] : [pad[0], pad[1], pad[2], pad[3]];
}

function run<R extends tf.Tensor>(kernel: string, inputs: Record<string, tf.Tensor | undefined>, attrs: Record<string, unknown>): R {
  const present: tf.NamedTensorMap = {};
  for (const [k, v] of Object.entries(inputs)) if (v !== undefined) present[k] = v;
  return tf.engine().runKernel(kernel, present, attrs as unknown as tf.NamedAttrMap) as R;
}

/** The ops implemented so far by WGSL kernels. */
type KernelBackedOps = Pick<MolOps, 'conv2d' | 'deconv'>;

export const kernelBackedOps: KernelBackedOps = {
  conv2d(x, w, o: Conv2dOptions) {
    return run(MolConv2d, { x, w, bias: o.bias, bnScale: o.bnScale, bnShift: o.bnShift }, {
      stride: o.stride, pad: explicitPad(o.pad), activation: o.activation, alpha: o.alpha ?? DEFAULT_ALPHA,
    });
  },
  deconv(x, w, o: DeconvOptions) {
    return run(MolDeconv, { x, w }, { activation: o.activation, alpha: o.alpha ?? DEFAULT_ALPHA });
  },
};

/**
 * `base` with every op that has a WGSL kernel replaced by it (name 'kernels'). Until every MolOps op has a kernel,
 * the remaining ones run `base`'s implementation (normally referenceOps on the same webgpu backend).
 */
export function withKernels(base: MolOps): MolOps {
  return { ...base, ...kernelBackedOps, name: 'kernels' };
}
