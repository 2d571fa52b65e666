// replaced by the policy module
