"""Bad input that leaves no one guessing and loses no file: wiring, checkpoints, files."""
