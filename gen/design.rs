//! Builds the design for a configuration: the files of the output tree.
