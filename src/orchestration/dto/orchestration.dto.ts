import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { IsName, IsQueryBoolean, IsResourceRef } from '../../common/validators';
import { INSTANCE_STATES, InstanceDto } from '../../instances/dto/instance.dto';

export class CreateInstanceDto {
  @ApiProperty({ description: 'Server id or name', example: 'arena' })
  @IsResourceRef()
  server: string;

  @ApiPropertyOptional({ description: "One of the server's modes", example: 'ranked-battle-royale' })
  @IsOptional()
  @IsName(1, 128)
  mode?: string;

  @ApiPropertyOptional({ description: 'Only place on workers of this region', example: 'eu-west' })
  @IsOptional()
  @IsName(1, 64)
  region?: string;

  @ApiPropertyOptional({ description: 'Only place on this worker (id or name)', example: 'local' })
  @IsOptional()
  @IsResourceRef()
  worker?: string;

  @ApiPropertyOptional({ description: 'Respond only once the instance is ready or failed (bounded by its start timeout)', default: false })
  @IsOptional()
  @IsQueryBoolean()
  wait?: boolean;
}

export class InstanceFilterDto {
  @ApiPropertyOptional({ description: 'Only this instance' })
  @IsOptional()
  @IsUUID('all', { message: 'id must be an instance id (UUID)' })
  id?: string;

  @ApiPropertyOptional({ description: 'Server id or name' })
  @IsOptional()
  @IsResourceRef()
  server?: string;

  @ApiPropertyOptional({ description: 'Worker id or name' })
  @IsOptional()
  @IsResourceRef()
  worker?: string;

  @ApiPropertyOptional({ enum: INSTANCE_STATES })
  @IsOptional()
  @IsIn(INSTANCE_STATES)
  state?: (typeof INSTANCE_STATES)[number];

  @ApiPropertyOptional({ description: 'Maximum instances returned, newest first', default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class DeleteInstanceDto {
  @ApiProperty({ description: 'Instance id', format: 'uuid' })
  @IsUUID('all', { message: 'id must be an instance id (UUID)' })
  id: string;

  @ApiPropertyOptional({ description: 'Respond only once the process has exited (bounded by the stop grace period)', default: false })
  @IsOptional()
  @IsQueryBoolean()
  wait?: boolean;
}

export class InstanceListDto {
  @ApiProperty({ type: [InstanceDto] }) instances: InstanceDto[];
}
