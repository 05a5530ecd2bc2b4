import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsKeyGuard } from './metrics-key.guard';
import { MetricsService } from './metrics.service';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MetricsKeyGuard],
  exports: [MetricsService],
})
export class MetricsModule {}
