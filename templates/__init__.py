"""Built-in Word templates (data package)."""
