//! The registry schema: which fields each namespace has and their dimensions.
