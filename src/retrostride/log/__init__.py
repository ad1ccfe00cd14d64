"""The training log's domain objects: person, session, segment, samples. No I/O."""
