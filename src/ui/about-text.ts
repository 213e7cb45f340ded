/**
 * What the about panel says about the model, from models/README.md's model card ("Synthetic
 * micro-expressions"): keep the two in step when the shipped weights change.
 */
export const ABOUT_MODEL = {
  trainedOn:
    'MOL was trained here on synthetic micro-expressions only: real photographs of 26 people (28 faces, the training split of ' +
    'models/training/sources/manifest.json), moved by FACS action units at micro intensity (0.3-2.5 px, 65-500 ms), with blinks, ' +
    'head motion, lighting and compression added. 7 other people were used for validation and 3 are held out for testing. ' +
    'On those held-out people the shipped weights tell the 3 classes apart better than chance but far from well (UF1 0.50 where ' +
    'chance is 0.33; models/README.md, model card); the weights notice quotes the figures of the weights running now.',
  notValidated:
    'It has not been validated on the research datasets of spontaneous micro-expressions (CASME II, SAMM, SMIC), which are licensed ' +
    'to researchers and not available here. Its class probabilities are not evidence of what anyone feels.',
  notLieDetection:
    'Micro-expression analysis is not lie detection. A brief facial movement shows that a muscle moved, not why; research does not ' +
    'support inferring deception, guilt or intent from micro-expressions. Do not use this app to judge people.',
  spotting:
    'Spotting compares facial motion (68 landmarks and, when the model runs, its optical flow) with your own neutral baseline taken in ' +
    'the first 2 s, and calls a movement micro when it lasts at most 500 ms. Blinks and head motion are labelled as such.',
  privacy: 'Everything runs in this browser; no frame leaves your machine.',
} as const;
