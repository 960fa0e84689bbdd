"""The audit log (操作日志): who changed which programme data, when, from what to what."""
