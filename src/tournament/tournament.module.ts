import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { CompetitionModule } from '../competition/competition.module';
import { TournamentController } from './tournament.controller';
import { TournamentGroundTruth } from './tournament-ground-truth';
import { TournamentRoundRepository } from './tournament-round.repository';
import { TournamentService } from './tournament.service';

/**
 * The `tournament_rounds` table and the ground truth read from it: what the scoring cycles of a
 * tournament need (bound to GROUND_TRUTH by the app in place of the feed's).
 */
@Module({
  providers: [TournamentRoundRepository, TournamentGroundTruth],
  exports: [TournamentRoundRepository, TournamentGroundTruth],
})
export class TournamentStoreModule {}

/**
 * Tournament mode (a competition file with `tournament:`): rounds opened and resolved through
 * `/tournament/rounds`. Served with the report role; it calls the models and scores through the
 * predict and score roles' services when this instance runs them.
 *
 * @example
 *   AppModule.forRoot({ ... }) // imports it when competition.tournament is set and ROLES has report
 */
@Module({
  imports: [TournamentStoreModule, CompetitionModule, AdminModule],
  controllers: [TournamentController],
  providers: [TournamentService],
  exports: [TournamentService],
})
export class TournamentModule {}
