/**
 * The only place where MOL's WGSL kernels are registered with tfjs (like tfjs-backend-webgpu's
 * register_all_kernels.ts). Call registerMolKernels() once after importing the webgpu backend; it is idempotent.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { molConv2dConfig } from './conv2d';
import { molDeconvConfig } from './deconv';

export const MOL_KERNEL_CONFIGS: readonly KernelConfig[] = [
  molConv2dConfig,
  molDeconvConfig,
];

export function registerMolKernels(): void {
  for (const config of MOL_KERNEL_CONFIGS) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
  }
}
