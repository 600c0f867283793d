-- Settings of the build connection: no progress bar on the CLI's stdout.
SET enable_progress_bar = false;
