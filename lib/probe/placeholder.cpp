// replaced by the probe module
