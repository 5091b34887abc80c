"""memberkit: membership and loyalty programmes as YAML policies, compiled to typed functions."""
