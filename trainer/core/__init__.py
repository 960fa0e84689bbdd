"""The app's core: configuration, extensions, time, language, the input error, optimistic locking, months and how
the areas are found."""
