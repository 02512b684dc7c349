import FuzzHarness

FuzzDriver.main("credentials")
