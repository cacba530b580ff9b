//! The `<mlsysim …/>` directive language: scanning sources and the `value=` expressions.
