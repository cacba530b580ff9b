//! Loading and validating the registry from TOML.
