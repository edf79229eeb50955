"""Business logic shared by web and worker; views and tasks stay thin."""
