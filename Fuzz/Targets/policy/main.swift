import FuzzHarness

FuzzDriver.main("policy")
