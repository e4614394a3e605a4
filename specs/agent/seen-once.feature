Feature: What happens to an agent is reported once, in the Then block after it
  A Then block looks at what happened since the previous Then block. An agent
  told to shut down, a task killed on an agent and an agent giving up on its
  master are each seen by the first Then block after them; a quiet stretch
  after that adds nothing, so the next Then block does not see them again.

  Background:
    Given an agent "a1"
    And a framework "spark"
    And "spark" runs task "t1" on agent "a1"

  # Rule J5
  Scenario: An agent told to shut down once is not told again by a quiet stretch
    When the operator marks agent "a1" as gone
    Then agent "a1" is told to shut down with "Agent has been marked gone"
    When 10s pass
    Then agent "a1" is not told to shut down

  Scenario: A task killed once is not killed again by a quiet stretch
    When "spark" kills task "t1"
    Then task "t1" is killed on agent "a1"
    When 10s pass
    Then task "t1" is not killed on agent "a1"

  # Rule C5
  Scenario: An agent that gave up on its master is not seen giving up again while still cut off
    When agent "a1" is partitioned from the master
    And 2m pass
    Then agent "a1" has given up on the master
    When 10s pass
    Then agent "a1" has not given up on the master
