/**
 * The only place where MOL's WGSL kernels are registered with tfjs (like tfjs-backend-webgpu's
 * register_all_kernels.ts). Call registerMolKernels() once after the webgpu backend is imported; it is idempotent.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { molConv2dConfig } from './conv2d';
import { molDeconvConfig } from './deconv';
import { molCorrelationConfig } from './correlation';
import { molFccConfig } from './fcc';
import { molKnnConfig } from './knn';
import { molCccEdgeConfig } from './ccc-edge';
import { molConv3dPoolConfig } from './conv3d-pool';
import { molDenseConfig } from './dense';
import { molConcatChannelsConfig, molShiftSlotsConfig } from './concat';

export const MOL_KERNEL_CONFIGS: readonly KernelConfig[] = [
  molConv2dConfig,
  molDeconvConfig,
  molCorrelationConfig,
  molFccConfig,
  molKnnConfig,
  molCccEdgeConfig,
  molConv3dPoolConfig,
  molDenseConfig,
  molConcatChannelsConfig,
  molShiftSlotsConfig,
];

export function registerMolKernels(): void {
  for (const config of MOL_KERNEL_CONFIGS) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
  }
}

export { kernelOps } from './kernel-ops';
