export { STATE_DIR_NAME, stateDir, resultsPath, sizesPath, verifyPath, cellLogPath } from './paths';
export { writeFileAtomic } from './atomicWrite';
export { withFileLock } from './fileLock';
export { StateFile, CorruptStateError, StateAccessError, processWarning, type Warn } from './stateFile';
export { stateProblem } from './writable';
export { stateDirEscape } from './stateDirEscape';
